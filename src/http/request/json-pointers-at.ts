/**
 * The JSON Pointers (as path segments) of the values that start at given offsets of a JSON text
 * already parsed successfully: one pass, whatever the number of offsets. Only used to name values
 * a raw-text check found (rare), never on the common path.
 */
export function pathsAt(text: string, offsets: readonly number[]): (string | number)[][] {
  const paths: (string | number)[][] = [];
  // One frame per open container: its key or index, and whether a string read there is a key.
  const path: (string | number)[] = [];
  const isObject: boolean[] = [];
  let expectKey = false;
  let next = 0;
  for (let i = 0; i < text.length && next < offsets.length; i++) {
    if (i === offsets[next]) {
      paths.push([...path]);
      next++;
    }
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (expectKey) {
        path[path.length - 1] = JSON.parse(text.slice(start, i + 1)) as string;
        expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      isObject.push(c === '{');
      path.push(0);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      isObject.pop();
      path.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = path.length - 1;
      if (isObject[top]) expectKey = true;
      else path[top] = (path[top] as number) + 1;
    }
  }
  return paths;
}

export const toPointer = (path: readonly (string | number)[]): string =>
  path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
