/** The client's own list of error codes (it imports nothing from the server) matches the server's catalogue. */
import { expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../src/client/index.js';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';

it('the client knows exactly the catalogue’s codes', () => {
  expect([...API_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
});
