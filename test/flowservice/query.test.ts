import { describe, expect, it } from '@jest/globals';
import { buildUrl } from '../../controller/flowservice/http.js';
import { listQuery, nextToken, propertyFilter } from '../../controller/flowservice/resource.js';

describe('list queries', () => {
  it('ORs several values of one field with commas', () => {
    expect(propertyFilter('id', 'a', 'b')).toBe('id==a,b');
  });

  it('refuses a value containing a comma, which Adobe would read as two values', () => {
    expect(() => propertyFilter('name', 'a,b')).toThrow('comma');
    expect(() => propertyFilter('name')).toThrow();
  });

  it('sends repeated property parameters, which Adobe ANDs', () => {
    const url = buildUrl(
      'https://platform.adobe.io/',
      '/data/foundation/flowservice/runs',
      listQuery({
        property: ['flowId==f1', 'metrics.durationSummary.startedAtUTC>1700000000000'],
        orderby: '-createdAt',
        limit: 5,
      }),
    );
    expect(url.pathname).toBe('/data/foundation/flowservice/runs');
    expect(url.searchParams.getAll('property')).toEqual([
      'flowId==f1',
      'metrics.durationSummary.startedAtUTC>1700000000000',
    ]);
    expect(url.searchParams.get('orderby')).toBe('-createdAt');
    expect(url.searchParams.get('limit')).toBe('5');
    expect(url.searchParams.has('continuationToken')).toBe(false);
  });

  it('reads the continuation token out of a next link relative to the service root', () => {
    expect(nextToken('/flows?continuationToken=eyJvZmZzZXQiOjJ9&limit=2')).toBe('eyJvZmZzZXQiOjJ9');
    expect(nextToken('/flows?limit=2')).toBeUndefined();
    expect(nextToken(undefined)).toBeUndefined();
  });
});
