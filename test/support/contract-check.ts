/**
 * The contract check of the whole suite (jest `setupFilesAfterEnv`): every request the project's
 * Flow Service client sends to a simulator in this test file (in-process, or from a controller
 * process the file started) is recorded by the simulator's recorder and, after the file's tests,
 * held to the documented forms (test/flowservice/documented-forms.ts). An undocumented form fails
 * the file. A test that makes the client send one on purpose says so with `expectUndocumented`.
 */
import { afterAll, expect } from '@jest/globals';
import { subscribeRequests, type RecordedRequest } from '../../simulator/recorder.js';
import { checkRequest } from '../flowservice/documented-forms.js';

const seen: RecordedRequest[] = [];
const expected: { what: string; matches: (problem: string) => boolean; hits: number }[] = [];

subscribeRequests((r) => {
  if (r.client) seen.push(r);
});

/**
 * Declares that this file makes the client send an undocumented form on purpose (to show the
 * simulator refuses it); the check then requires that it was indeed sent, at least once.
 */
export function expectUndocumented(what: string, matches: (problem: string) => boolean): void {
  expected.push({ what, matches, hits: 0 });
}

/** The client requests recorded so far in this file. */
export const recordedClientRequests = (): readonly RecordedRequest[] => seen;

afterAll(() => {
  const problems = [...new Set(seen.flatMap(checkRequest))];
  const unexpected = problems.filter((p) => {
    const e = expected.find((x) => x.matches(p));
    if (e) e.hits++;
    return !e;
  });
  expect({ undocumentedClientRequests: unexpected }).toEqual({ undocumentedClientRequests: [] });
  expect(expected.filter((e) => e.hits === 0).map((e) => e.what)).toEqual([]);
});
