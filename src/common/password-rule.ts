/**
 * The one password rule of the marketplace: registration, the first admin (ADMIN_PASSWORD), the sign-in page's hint
 * (handed to the pages by their layout) and the README all read it from here.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** The rule in words, for error messages and hints: "at least 12 characters". */
export const PASSWORD_RULE = `at least ${PASSWORD_MIN_LENGTH} characters`;
