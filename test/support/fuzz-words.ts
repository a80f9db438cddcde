/**
 * The fuzzer's vocabulary: values that have broken parsers, query compilers, encoders and HTTP
 * framing before. Plain lists, used by fuzz-bodies.ts and fuzz-requests.ts.
 */

// biome-ignore format: word lists read best packed
export const NASTY_STRINGS = [
  '', ' ', '0', '-0', '1e400', '-1e400', '1e-400', 'NaN', 'Infinity', 'null', 'true', '[]', '{}',
  "'", '"', '\\', "' OR '1'='1", "'; DROP TABLE customers; --", '1; SELECT pg_sleep(5)', '%', '_', '*', '%%',
  '\u0000', 'a\u0000b', '\u0000\u0000\u0000', '\ud800', '\udfff', '\ufeff', '\u202e', 'ñandú', '𝄞', '😀',
  '../../etc/passwd', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '9007199254740993', '-9223372036854775809', '18446744073709551616', '0x10', '1_000', '٣', '1.7976931348623157e309',
  '2024-02-30', '2024-13-01T25:61:61Z', '9999-12-31T23:59:59.999Z', '0000-00-00', '<script>alert(1)</script>',
];

// biome-ignore format: word lists read best packed
export const NASTY_NUMBER_TEXTS = ['1e400', '-1e400', '1e-400', '-0', '0.0', '-0.0', '9007199254740993', '123456789012345678901234567890', '1E+2', '5e-324'];

// biome-ignore format: word lists read best packed
export const FIELDS = ['name', 'email', 'phone', 'company', 'status', 'tags', 'customerId', 'title', 'amount', 'stage', 'id', 'createdAt', 'updatedAt', 'counter', 'password'];

// biome-ignore format: word lists read best packed
export const COMMON_METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'OPTIONS'];
export const ODD_METHODS = ['TRACE', 'PROPFIND', 'PURGE', 'FOO', 'get', 'M-SEARCH', 'QUERY'];

// biome-ignore format: word lists read best packed
export const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'ilike', 'null', 'EQ', 'regex', '', '$ne', 'eq][', 'constructor'];
export const RESERVED = ['sort', 'limit', 'offset', 'cursor', 'fields', 'embed', 'count'];
// biome-ignore format: word lists read best packed
export const QUERY_VALUES = ['-createdAt,name', 'name,-id', '-', ',', 'id,id,id', '25', '0', '1001', '-1', '1e3', 'true', 'yes', 'lead,active', 'orders', 'customer', 'orders,customer,orders', 'orders.customer'];
// biome-ignore format: word lists read best packed
export const ODD_KEYS = ['a[b][c]', '__proto__[polluted]', 'constructor[prototype][x]', '[]', 'status[]', 'sort[eq]'];
// biome-ignore format: word lists read best packed
export const PERCENT_JUNK = ['%', '%Z', '%ZZ', '%00', '%FF', '%C0%AF', '%E0%A4%A', '%ED%A0%80', '%F4%90%80%80', '%25', '%2F', '%5B%5D', '%26', '%3D', '+', '%20'];
// biome-ignore format: word lists read best packed
export const SEGMENT_JUNK = ['0', '-1', '1.5', '1e400', '99999999999999999999999', '9223372036854775808', 'abc', '%00', '%ZZ', '%2F', '..', '%2e%2e', "1'%20OR%20'1'='1", '%C0%AF', '\u00ff\u00fe', '%F0%9F%98%80', '~', '00000000-0000-0000-0000-000000000000', 'x'.repeat(600), '%20'];

// biome-ignore format: word lists read best packed
export const GOOD_ACCEPTS = ['application/json', '*/*', 'application/problem+json', 'application/problem+json, application/json;q=0.9', 'application/*', 'text/html;q=0.9, application/json'];
// biome-ignore format: word lists read best packed
export const ACCEPTS = ['text/html', 'text/html,application/xhtml+xml', 'image/png', 'application/json;q=0', 'application/json;q=abc', ';;;', 'a/b/c', '*', '', ',,,', 'application/*;q=NaN', 'application/json;q=1e400'];
/** The first five are the JSON types verbo reads; the rest are wrong, odd or broken. */
// biome-ignore format: word lists read best packed
export const TYPES = ['application/json', 'application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'application/json-patch+json', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', ';', 'application/json;;', 'application/json; charset="\u00ff"', 'application', '*/*', 'application/vnd.api+json'];

// biome-ignore format: word lists read best packed
export const MALFORMED_JSON = ['{', '[', '{"a":}', '{"a":1,}', '[1,]', "{'a':1}", '{a:1}', 'nul', 'tru', '// x\n{}', '{"a":1}garbage', '"\\x41"', '"\\u12"', '{"a":"\u0000"}', '\ufeff{}', ' ', '\n\n'];
// biome-ignore format: word lists read best packed
export const PROTO_BODIES = ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"tags":{"__proto__":{"x":1}}}', '{"name":"p","email":"p@example.com","tags":{"constructor":{"prototype":{}}}}', '[{"op":"add","path":"/__proto__/polluted","value":1}]', '{"\\u005f_proto__":{"x":1}}'];
// biome-ignore format: word lists read best packed
export const NUL_BODIES = ['{"name":"a\\u0000b","email":"z@example.com"}', '{"na\\u0000me":"x"}', `{"name":"a${'\u0000'}b"}`, '{"tags":["\\u0000"]}', '\u0000'];
// biome-ignore format: word lists read best packed
export const DUPLICATE_KEY_BODIES = ['{"name":"a","name":"b","email":"d@example.com","email":1}', '{"status":"lead","status":"nope"}'];
// biome-ignore format: word lists read best packed
export const LONE_SURROGATE_BODIES = ['{"name":"\\ud800","email":"s@example.com"}', '{"tags":["\\udfff\\ud800"]}', '{"name":"ok","email":"s2@example.com","company":"\\ud83d"}'];

/** Bytes that break HTTP framing itself; the server must still answer with the envelope. */
// biome-ignore format: word lists read best packed
export const RAW_REQUESTS = [
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  'POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"name":"longer than said"}',
  'POST /customers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
  'GET /customers\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /customers HTTP/9.9\r\nHost: x\r\n\r\n',
  'GARBAGE\r\n\r\n',
  'GET /customers HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
  'GET /customers HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n',
  'get /customers HTTP/1.1\r\nHost: x\r\n\r\n',
  'PROPFIND /customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  `GET /${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  `GET /customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`,
  'GET /customers HTTP/1.0\r\n\r\n',
  'GET /customers HTTP/1.1\r\nConnection: close\r\n\r\n',
  'GET /customers HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'GET /customers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
  'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n',
  'HEAD /customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
];

/** Per header: plausible, odd and broken values (the fuzzer adds absurd ones of its own). */
// biome-ignore format: word lists read best packed
export const HEADER_VALUES: Record<string, string[]> = {
  'if-match': ['*', '"1"', 'W/"1"', '"abc", "def"', '""', '"', 'W/'],
  'if-none-match': ['*', '"1"', 'W/"x"'],
  'if-modified-since': ['Mon, 01 Jan 2024 00:00:00 GMT', 'yesterday', '0', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  'if-unmodified-since': ['Mon, 01 Jan 2024 00:00:00 GMT', 'nope'],
  prefer: ['return=minimal', 'return=representation', 'count=exact', 'return=minimal, count=exact', 'return=', 'handling=strict', 'respond-async, wait=1e400'],
  'idempotency-key': ['k1', 'k2', '', ' ', '"quoted"', 'x'.repeat(256)],
  traceparent: ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-zz-zz-zz', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
  'x-request-id': ['req-1', 'a'.repeat(129), '../../x', '\u00ff'],
  'accept-language': ['es', 'es-ES,en;q=0.5', 'fr', '*', 'en;q=abc', 'es;q=1e400'],
  origin: ['https://evil.example', 'null', 'http://127.0.0.1', 'not a url'],
  authorization: ['Bearer ', 'Bearer x', 'Basic YTpi', 'bearer vbt_nope', 'Bearer a b'],
  cookie: ['verbo_session=nope', 'verbo_session=', 'verbo_session=%ZZ; verbo_session=x', '=;=;='],
};
/** Headers with only these values (no absurd ones). */
// biome-ignore format: word lists read best packed
export const PLAIN_HEADER_VALUES: Record<string, string[]> = {
  'access-control-request-method': ['PATCH', 'DELETE', 'FOO', ''],
  'x-forwarded-for': ['1.2.3.4', 'garbage', '::1, 10.0.0.1'],
  range: ['bytes=0-10', 'bytes=-1', 'items=0-9'],
};
// biome-ignore format: word lists read best packed
export const ABSURD_HEADER_VALUES = ['x'.repeat(8000), ','.repeat(4000), 'W/'.repeat(2000), '"a",'.repeat(1500), '*, *', 'null'];
