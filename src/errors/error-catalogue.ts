/**
 * The one catalogue of error codes. Every error verbo answers with has its code here, its HTTP
 * status, the stage of the order of checks it belongs to (error-stages.ts), and a user message in
 * English and Spanish; `{field}` and other `{names}` are filled in. Messages for one kind of
 * problem within a code (a missing field, a too-long text…) are in user-messages.ts.
 * docs/errors.md documents the same table; test/errors/errors-doc.test.ts holds them together.
 */
import type { ErrorStage } from './error-stages.js';

export interface CatalogueEntry {
  status: number;
  stage: ErrorStage;
  en: string;
  es: string;
}

export const ERROR_CATALOGUE = {
  MALFORMED_JSON: {
    status: 400,
    stage: 'input',
    en: 'The request body is not valid JSON.',
    es: 'El cuerpo de la petición no es un JSON válido.',
  },
  EMPTY_BODY: {
    status: 400,
    stage: 'input',
    en: 'The request body is empty.',
    es: 'El cuerpo de la petición está vacío.',
  },
  FORBIDDEN_JSON_KEY: {
    status: 400,
    stage: 'input',
    en: 'The request body uses a forbidden key.',
    es: 'El cuerpo de la petición usa una clave prohibida.',
  },
  INVALID_QUERY_PARAMETER: {
    status: 400,
    stage: 'input',
    en: 'The query parameter “{parameter}” is not valid.',
    es: 'El parámetro «{parameter}» no es válido.',
  },
  MALFORMED_PATCH: {
    status: 400,
    stage: 'input',
    en: 'The JSON Patch document is not valid.',
    es: 'El documento JSON Patch no es válido.',
  },
  FILTER_REQUIRED: {
    status: 400,
    stage: 'input',
    en: 'Deleting a whole collection needs at least one filter.',
    es: 'Para borrar en bloque hace falta al menos un filtro.',
  },
  MALFORMED_ROW: {
    status: 400,
    stage: 'input',
    en: 'Row {row} of the import cannot be read.',
    es: 'No se puede leer la fila {row} de la importación.',
  },
  BAD_REQUEST: {
    status: 400,
    stage: 'request',
    en: 'The request is not valid.',
    es: 'La petición no es válida.',
  },
  BUSINESS_RULE_VIOLATED: {
    status: 400,
    stage: 'rules',
    en: 'The change breaks the rule “{rule}”.',
    es: 'El cambio incumple la regla «{rule}».',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    stage: 'idempotency',
    en: 'The idempotency key is not valid.',
    es: 'La clave de idempotencia no es válida.',
  },
  UNAUTHENTICATED: {
    status: 401,
    stage: 'authentication',
    en: 'You need to sign in to access this data.',
    es: 'Necesita iniciar sesión para acceder a los datos.',
  },
  LOGIN_FAILED: {
    status: 401,
    stage: 'validation',
    en: 'The email or password is not correct.',
    es: 'El correo electrónico o la contraseña no son correctos.',
  },
  INVALID_TOKEN: {
    status: 401,
    stage: 'authentication',
    en: 'The access token is not valid, has expired or was revoked.',
    es: 'El token de acceso no es válido, ha caducado o fue revocado.',
  },
  FORBIDDEN: {
    status: 403,
    stage: 'access',
    en: 'You are not allowed to do this.',
    es: 'No tiene permiso para hacer esto.',
  },
  CSRF_REJECTED: {
    status: 403,
    stage: 'authentication',
    en: 'This request came from another site and was refused.',
    es: 'Esta petición llegó desde otro sitio y fue rechazada.',
  },
  REGISTRATION_CLOSED: {
    status: 403,
    stage: 'access',
    en: 'New accounts cannot be created here.',
    es: 'Aquí no se pueden crear cuentas nuevas.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    stage: 'route',
    en: 'There is nothing at this address.',
    es: 'No hay nada en esta dirección.',
  },
  RECORD_NOT_FOUND: {
    status: 404,
    stage: 'preconditions',
    en: 'The record does not exist.',
    es: 'El registro no existe.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    stage: 'route',
    en: 'This operation is not allowed here.',
    es: 'Esta operación no está permitida aquí.',
  },
  NOT_ACCEPTABLE: {
    status: 406,
    stage: 'request',
    en: 'The requested response format is not available.',
    es: 'El formato de respuesta pedido no está disponible.',
  },
  UNIQUE_VIOLATION: {
    status: 409,
    stage: 'store',
    en: 'A record with this {field} already exists.',
    es: 'Ya existe un registro con este valor de «{field}».',
  },
  STILL_REFERENCED: {
    status: 409,
    stage: 'store',
    en: 'The record is still in use by other records.',
    es: 'El registro todavía está en uso por otros registros.',
  },
  JOB_FINISHED: {
    status: 409,
    stage: 'preconditions',
    en: 'The job has already finished ({state}).',
    es: 'El trabajo ya ha terminado ({state}).',
  },
  PATCH_TEST_FAILED: {
    status: 409,
    stage: 'validation',
    en: 'The record has changed; reload it and try again.',
    es: 'El registro ha cambiado; vuelva a cargarlo e inténtelo de nuevo.',
  },
  PATCH_PATH_NOT_FOUND: {
    status: 409,
    stage: 'validation',
    en: 'The change refers to data the record does not have.',
    es: 'El cambio se refiere a datos que el registro no tiene.',
  },
  REQUEST_IN_PROGRESS: {
    status: 409,
    stage: 'idempotency',
    en: 'The same request is still being processed.',
    es: 'La misma petición todavía se está procesando.',
  },
  PRECONDITION_FAILED: {
    status: 412,
    stage: 'preconditions',
    en: 'The record has changed since you loaded it.',
    es: 'El registro ha cambiado desde que lo cargó.',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    stage: 'preconditions',
    en: 'The requested range is outside the file.',
    es: 'El rango pedido está fuera del archivo.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    stage: 'input',
    en: 'The request body is too large.',
    es: 'El cuerpo de la petición es demasiado grande.',
  },
  URI_TOO_LONG: {
    status: 414,
    stage: 'request',
    en: 'The address is too long.',
    es: 'La dirección es demasiado larga.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    stage: 'media-type',
    en: 'The request body format is not supported.',
    es: 'El formato del cuerpo de la petición no está admitido.',
  },
  VALIDATION_FAILED: {
    status: 422,
    stage: 'validation',
    en: 'The field “{field}” is not valid.',
    es: 'El campo «{field}» no es válido.',
  },
  REFERENCE_NOT_FOUND: {
    status: 422,
    stage: 'validation',
    en: 'The referenced {field} does not exist.',
    es: 'El registro referenciado en «{field}» no existe.',
  },
  JSON_TOO_DEEP: {
    status: 422,
    stage: 'input',
    en: 'The request body is nested too deeply (more than {limit} levels).',
    es: 'El cuerpo de la petición está anidado demasiado (más de {limit} niveles).',
  },
  JSON_ARRAY_TOO_LONG: {
    status: 422,
    stage: 'input',
    en: 'A list in the request body has too many items (more than {limit}).',
    es: 'Una lista del cuerpo de la petición tiene demasiados elementos (más de {limit}).',
  },
  INVALID_UNICODE: {
    status: 422,
    stage: 'input',
    en: 'A text in the request body is not valid Unicode.',
    es: 'Un texto del cuerpo de la petición no es Unicode válido.',
  },
  NUMBER_OUT_OF_RANGE: {
    status: 422,
    stage: 'input',
    en: 'A number in the request body is too large.',
    es: 'Un número del cuerpo de la petición es demasiado grande.',
  },
  INEXACT_NUMBER: {
    status: 422,
    stage: 'input',
    en: 'A number in the request body has too many digits to be kept exactly: send it as text.',
    es: 'Un número del cuerpo de la petición tiene demasiadas cifras para guardarlo exactamente: envíalo como texto.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    stage: 'idempotency',
    en: 'This idempotency key was used for a different request.',
    es: 'Esta clave de idempotencia se usó para otra petición.',
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    stage: 'preconditions',
    en: 'This change needs an If-Match header.',
    es: 'Este cambio necesita una cabecera If-Match.',
  },
  RATE_LIMITED: {
    status: 429,
    stage: 'request',
    en: 'Too many requests; try again later.',
    es: 'Demasiadas peticiones; inténtelo más tarde.',
  },
  TOO_MANY_STREAMS: {
    status: 429,
    stage: 'access',
    en: 'Too many open change streams; close one and try again.',
    es: 'Demasiados flujos de cambios abiertos; cierre uno e inténtelo de nuevo.',
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    stage: 'access',
    en: 'Too many sign-in attempts; try again later.',
    es: 'Demasiados intentos de inicio de sesión; inténtelo más tarde.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    stage: 'request',
    en: 'The request headers are too large.',
    es: 'Las cabeceras de la petición son demasiado grandes.',
  },
  JOB_INTERRUPTED: {
    status: 500,
    stage: 'store',
    en: 'The job stopped before it finished. Start it again.',
    es: 'El trabajo se detuvo antes de terminar. Vuelva a iniciarlo.',
  },
  INTERNAL_ERROR: {
    status: 500,
    stage: 'store',
    en: 'Something went wrong on our side.',
    es: 'Algo salió mal en el servidor.',
  },
  NOT_IMPLEMENTED: {
    status: 501,
    stage: 'request',
    en: 'The server does not support this operation.',
    es: 'El servidor no admite esta operación.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    stage: 'request',
    en: 'The service is temporarily unavailable; try again shortly.',
    es: 'El servicio no está disponible en este momento; inténtelo en breve.',
  },
  STREAM_TOO_SLOW: {
    status: 503,
    stage: 'request',
    en: 'The change stream was closed because it was not read fast enough; reconnect to resume.',
    es: 'El flujo de cambios se cerró porque no se leía a tiempo; vuelva a conectarse para continuar.',
  },
  INSUFFICIENT_STORAGE: {
    status: 507,
    stage: 'store',
    en: 'The server cannot store more data right now.',
    es: 'El servidor no puede guardar más datos ahora.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
