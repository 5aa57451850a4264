/** Shortest password accepted; shared by the server's validation and the browser's hint. */
export const MIN_PASSWORD_LENGTH = 12;
