import { Navigate, useSearchParams } from 'react-router-dom';

/** `/connections/done?id=<id>`: where an OAuth round trip may end; shown as the Connections page's own return. */
export function ConnectionsDone() {
  const [params] = useSearchParams();
  const id = params.get('id');
  const error = params.get('error');
  const search = id ? `?connected=${encodeURIComponent(id)}` : error ? `?${params.toString()}` : '';
  return <Navigate to={`/connections${search}`} replace />;
}
