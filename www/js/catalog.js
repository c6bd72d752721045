// The dev server's catalog of deployments, target clusters, namespaces and backup
// configurations, used to offer pickers. A real PDS endpoint has no catalog, and the
// dashboard then falls back to text inputs for IDs.

const CATALOG_PATH = "/devserver/catalog.json";

// Catalog keys per filter kind (see view-state.js for the kinds).
const CATALOG_KEYS = {
  deployment: "deployments",
  "target-cluster": "targetClusters",
  namespace: "namespaces",
  "backup-config": "backupConfigs",
};

/**
 * Fetches the catalog from the endpoint's origin. Resolves to
 * `{ itemsByKind: { deployment: [{ id, name }], ... }, maxPageSize }`, or null when there
 * is no catalog (any HTTP error, network or CORS failure, or a body of another shape).
 */
export async function loadCatalog(endpoint, { signal } = {}) {
  let url;
  try {
    url = new URL(CATALOG_PATH, endpoint);
  } catch {
    return null;
  }
  try {
    const response = await fetch(url, { signal, credentials: "omit" });
    if (!response.ok) return null;
    return parseCatalog(await response.json());
  } catch {
    return null;
  }
}

/** Normalizes a catalog body. Returns null when it has none of the expected lists. */
export function parseCatalog(body) {
  if (!body || typeof body !== "object") return null;
  const itemsByKind = {};
  let found = false;
  for (const [kind, key] of Object.entries(CATALOG_KEYS)) {
    const list = Array.isArray(body[key]) ? body[key] : [];
    if (Array.isArray(body[key])) found = true;
    itemsByKind[kind] = list
      .filter((item) => item && typeof item.id === "string" && item.id !== "")
      .map((item) => ({ id: item.id, name: typeof item.name === "string" && item.name ? item.name : item.id }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  if (!found) return null;
  const maxPageSize = Number.isSafeInteger(body.maxPageSize) && body.maxPageSize > 0 ? body.maxPageSize : null;
  return { itemsByKind, maxPageSize };
}
