import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { listFlows } from './api';

/** The owner's flows whose name contains `search`, page after page over the API's cursor. */
export function useFlowList(search: string) {
  return useInfiniteQuery({
    queryKey: ['flows', 'list', search],
    queryFn: ({ pageParam, signal }) => listFlows(search, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // While a new search loads, the last results stay on screen instead of a spinner.
    placeholderData: keepPreviousData,
  });
}
