// The wasm module's operations, by the number `run` and `describe` take (`Op` in src/npm.rs, in
// the same order; a repository test keeps the two alike). index.js and server.js import these.
export const CREATE_CONNECTION = 0;
export const CONNECT_IN_POPUP = 1;
export const START_OAUTH = 2;
export const CREATE = 3;
export const LIST = 4;
export const GET_BY_ID = 5;
export const GET_BY_TAG = 6;
export const DELETE_BY_ID = 7;
export const DELETE_BY_PROVIDER = 8;
export const IMPORT = 9;
export const LIST_DOCUMENTS = 10;
export const RESOURCES = 11;
export const CONFIGURE = 12;
export const WAIT_FOR_CONNECTION = 13;
