/**
 * Stryker ignorer plugin `message-strings`: mutants that only change the human-readable message of
 * a thrown error are reported as "Ignored" (with the reason below) instead of being run.
 *
 * Callers switch on an error's class and `code`, never on its text (see each package's errors.ts),
 * so emptying a message is not a bug a test should catch. What counts as a message: a string or
 * template literal that is an argument of `new <Something>Error(...)` and is either a template
 * literal or contains a space (codes and field names such as "truncated" or "too_large" never do),
 * and, for the package errors that take a code first, is not the first argument; the same for the
 * message of `fail(...)` and `failure(...)` (see MESSAGE_CALLS). Expressions
 * nested inside such a literal (`${name}`) are only message text too.
 */

export const MESSAGE_STRING_REASON = "message string: only the text of a thrown error";

/**
 * Helpers that build an error or a failure result with the message after a code: `fail(code, at,
 * message)` and `bad(at, message)` in the decoders, manifest's `failure(reason, detail, message)`
 * and `bad(detail, message)` (the `Failure` a verifier returns; callers switch on `reason` and
 * `detail`, which contain no space and are kept), manifest's `err(code, message, offset)` (preload
 * list decoder) and `ignored(detail, message)` (a header that does not apply).
 */
const MESSAGE_CALLS = new Set(["fail", "failure", "bad", "err", "ignored"]);

/** @param {any} path a Babel NodePath */
function isErrorMessageLiteral(path) {
  const node = path.node;
  const isTemplate = node.type === "TemplateLiteral";
  const isString = node.type === "StringLiteral";
  if (!isTemplate && !isString) return false;
  if (isArgumentName(path)) return true;
  if (isString && !node.value.includes(" ")) return false;
  // Walk up through pure message-building wrappers (a ? "x" : "y", "a" + b).
  let child = path;
  let parent = path.parentPath;
  while (
    parent &&
    (parent.node.type === "ConditionalExpression" ||
      parent.node.type === "BinaryExpression" ||
      parent.node.type === "LogicalExpression") &&
    parent.node.test !== child.node
  ) {
    child = parent;
    parent = parent.parentPath;
  }
  const type = parent?.node.type;
  if (type !== "NewExpression" && type !== "CallExpression") return false;
  const callee = parent.node.callee;
  if (callee.type !== "Identifier") return false;
  if (type === "NewExpression" ? !callee.name.endsWith("Error") : !MESSAGE_CALLS.has(callee.name))
    return false;
  const index = parent.node.arguments.indexOf(child.node);
  if (index < 0) return false;
  // Errors whose first argument is the message (manifest's CliError(message, exitCode) too).
  const builtin = ["Error", "TypeError", "RangeError", "SyntaxError", "CliError"].includes(callee.name);
  return builtin || index > 0;
}

/** `assertBytes(x, "bytes")`, `assertEntry(e, \`${name}.entry\`)`, `function f(name = "node")`. */
function isArgumentName(path) {
  const parent = path.parentPath?.node;
  if (!parent) return false;
  if (
    parent.type === "CallExpression" &&
    parent.callee.type === "Identifier" &&
    /^assert[A-Z]/.test(parent.callee.name)
  ) {
    return parent.arguments.indexOf(path.node) > 0;
  }
  return (
    parent.type === "AssignmentPattern" &&
    parent.right === path.node &&
    parent.left.type === "Identifier" &&
    parent.left.name === "name"
  );
}

export const strykerPlugins = [
  {
    kind: "Ignore",
    name: "message-strings",
    value: {
      /** @param {any} path */
      shouldIgnore(path) {
        return isErrorMessageLiteral(path) ? MESSAGE_STRING_REASON : undefined;
      },
    },
  },
];
