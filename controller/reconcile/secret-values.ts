/**
 * Pure: whether a decoded Secret value can be a credential. Values go into HTTP headers
 * (`x-api-key`, `x-gw-ims-org-id`), form fields and JSON; one that cannot, or that differs from what
 * its owner meant (a trailing line break from `echo`, bytes that are not UTF-8 and were replaced on
 * decoding), gets a condition naming the key and the fix, not an Adobe error or a retry loop.
 */

/** Longest credential value accepted: Adobe's and Mixpanel's credentials are tens of characters. */
export const MAX_SECRET_VALUE_LENGTH = 4096;

/** What is wrong with a value, as a clause ("it …"), or undefined when it can be used. */
export function secretValueProblem(value: string): string | undefined {
  // Buffer#toString('utf8') turns bytes that are not UTF-8 into U+FFFD.
  if (value.includes('\uFFFD')) return 'it is not UTF-8 text (binary data, or another encoding)';
  if (/[\r\n]$/.test(value))
    return 'it ends with a line break (create it with `kubectl create secret generic --from-literal` or `echo -n`)';
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(value))
    return 'it contains a control character (a NUL, tab or line break: UTF-16 text, or more than one line)';
  if (value.trim() !== value) return 'it starts or ends with a space';
  if (value.length > MAX_SECRET_VALUE_LENGTH)
    return `it is ${value.length} characters long; credentials are at most ${MAX_SECRET_VALUE_LENGTH}`;
  return undefined;
}
