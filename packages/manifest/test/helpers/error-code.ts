/**
 * The `code` of the error `f` throws, or "ok" when it returns; asserts the error is an instance of
 * `cls` (so a decoder that throws something else fails the test instead of yielding a code).
 */
import { expect } from "vitest";

export function errorCode(
  f: () => unknown,
  cls: abstract new (...args: never[]) => { code: string },
): string {
  try {
    f();
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return (e as { code: string }).code;
  }
}
