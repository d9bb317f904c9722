// The dashboard's API client. The token (when the server wants one) comes from the page's
// fragment (#token=...), is kept for the tab only (sessionStorage) and sent as a Bearer header.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token')) {
  sessionStorage.setItem('accelbench-token', fragment.get('token'));
  history.replaceState(null, '', location.pathname + location.search);
}

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(endpoint, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach(x => q.append(k, x));
    else if (v !== undefined && v !== null && v !== '') q.append(k, v);
  }
  const token = sessionStorage.getItem('accelbench-token');
  const res = await fetch(`/api/${endpoint}${q.size ? '?' + q : ''}`,
    { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new ApiError(res.status, body.error || res.statusText);
  return body;
}
