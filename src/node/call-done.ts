/** The result of a finished call's `next()`, shared by the caller port's iterators: it is never written to. */
export const CALL_DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
