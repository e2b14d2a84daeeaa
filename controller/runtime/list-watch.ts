/** ListWatchSource over the Kubernetes API: paginated list, then watch with bookmarks. */
import { KubeApiError, METADATA_ONLY, METADATA_ONLY_LIST, type KubeHttp } from './kube-http.js';
import type { ListPage, ListWatchSource } from './watch-loop.js';
import type { RawWatchEvent } from './watcher.js';

/** Options of a resource list+watch. */
export interface ResourceSourceOptions {
  /** Collection path, e.g. `/apis/aepflows.io/v1alpha1/namespaces/ns/mixpaneldataflows`. */
  path: string;
  /** Page size of lists (client-go and kube-rs use 500). */
  pageSize?: number;
  /** Server-side watch timeout; the server ends the watch cleanly after it (kube-rs: 290 s). */
  timeoutSeconds?: number;
  /** Ask for PartialObjectMetadata only (names and versions, never data: used for Secrets). */
  metadataOnly?: boolean;
  /** The Kind items are stamped with (lists omit it on items). */
  kind?: string;
  apiVersion?: string;
}

interface ListBody<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** Builds the source. */
export function resourceSource<T>(kube: KubeHttp, opts: ResourceSourceOptions): ListWatchSource<T> {
  const limit = opts.pageSize ?? 500;
  const stamp = (item: T): T =>
    opts.kind ? ({ apiVersion: opts.apiVersion, kind: opts.kind, ...(item as object) } as T) : item;
  return {
    async list({ continueToken, signal }): Promise<ListPage<T>> {
      const body = await kube.request<ListBody<T>>('GET', opts.path, {
        query: { limit, continue: continueToken },
        accept: opts.metadataOnly ? METADATA_ONLY_LIST : undefined,
        signal,
      });
      const resourceVersion = body.metadata?.resourceVersion;
      if (!resourceVersion) throw new KubeApiError('list without resourceVersion', undefined, undefined);
      return {
        items: (body.items ?? []).map(stamp),
        resourceVersion,
        continueToken: body.metadata?.continue || undefined,
      };
    },
    watch({ resourceVersion, signal }, onEvent) {
      return kube.stream(
        opts.path,
        {
          query: {
            watch: 1,
            allowWatchBookmarks: true,
            resourceVersion,
            timeoutSeconds: opts.timeoutSeconds ?? 290,
          },
          accept: opts.metadataOnly ? METADATA_ONLY : undefined,
          signal,
        },
        (line) => onEvent(line as RawWatchEvent<T>),
      );
    },
  };
}
