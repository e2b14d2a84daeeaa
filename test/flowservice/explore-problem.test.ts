/** Explore refusals are classified from the provider status Adobe quotes in its documented wording. */
import { describe, expect, it } from '@jest/globals';
import { exploreProblem } from '../../controller/adobe/port.js';

const relayed = (provider: string) =>
  `connections.explore: request rejected as invalid (HTTP 400 FLOW-1100-400): The request could not be processed. Error from flow provider: ${provider}`;
const rest = (status: string) =>
  `The request could not be processed. Rest call failed with client error, status code ${status}, please check your activity settings.`;

describe('explore refusals', () => {
  it.each([
    ['401 Unauthorized', 'Credentials'],
    ['403 Forbidden', 'Credentials'],
    ['400 BadRequest', 'Project'],
    ['404 NotFound', 'Project'],
    ['429 TooManyRequests', 'Other'],
    ['500 InternalServerError', 'Other'],
  ] as const)('reads status code %s as %s', (status, problem) => {
    expect(exploreProblem(relayed(rest(status)))).toBe(problem);
  });

  it('reads a provider error without a status (EN pinterest: "Unknown error …") as neither', () => {
    expect(exploreProblem(relayed('Unknown error while processing request.'))).toBe('Other');
    // Words alone are no evidence: only the status Adobe quotes counts.
    expect(exploreProblem(relayed('credentials project unauthorized'))).toBe('Other');
  });
});
