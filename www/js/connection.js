// Connection settings (endpoint, bearer token, account ID) and the BackupClient built
// from them. The token lives in memory. Only when the operator ticks "Remember on this
// device" is it copied to sessionStorage, which the browser clears when the tab closes.
// It is never written to localStorage, the URL or the console.

const STORAGE_KEY = "pds-backup-web.connection";

/**
 * Reads saved settings from sessionStorage. Returns `{ endpoint, token, accountId, remember }`,
 * with `defaultEndpoint` and empty strings for what was not saved.
 */
export function loadSettings(defaultEndpoint) {
  const settings = { endpoint: defaultEndpoint, token: "", accountId: "", remember: false };
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
  } catch {
    // Invalid JSON from an older version: start from the defaults.
  }
  if (saved && typeof saved === "object") {
    if (typeof saved.endpoint === "string" && saved.endpoint) settings.endpoint = saved.endpoint;
    if (typeof saved.accountId === "string") settings.accountId = saved.accountId;
    if (typeof saved.token === "string" && saved.token) {
      settings.token = saved.token;
      settings.remember = true;
    }
  }
  return settings;
}

/** Saves the endpoint and account ID, and the token only when `remember` is set. */
export function saveSettings(settings) {
  const saved = { endpoint: settings.endpoint, accountId: settings.accountId };
  if (settings.remember && settings.token) saved.token = settings.token;
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage disabled (private mode, quota): the settings still apply to this page.
  }
}

/**
 * Creates a BackupClient for the settings. Throws the package's GrpcError
 * (INVALID_ARGUMENT) when an option is invalid, for example an endpoint that is not a URL.
 */
export function createClient(BackupClient, settings) {
  const options = {};
  if (settings.token) options.token = settings.token;
  if (settings.accountId) options.accountId = settings.accountId;
  return new BackupClient(settings.endpoint, options);
}

/**
 * Connects the connection form: fills it from `settings` and calls `onConnect(settings)`
 * with the new values when the operator submits it.
 */
export function bindConnectionForm(form, settings, onConnect) {
  const fields = form.elements;
  fields.endpoint.value = settings.endpoint;
  fields.token.value = settings.token;
  fields.accountId.value = settings.accountId;
  fields.remember.checked = settings.remember;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = {
      endpoint: fields.endpoint.value.trim(),
      token: fields.token.value.trim(),
      accountId: fields.accountId.value.trim(),
      remember: fields.remember.checked,
    };
    saveSettings(next);
    onConnect(next);
  });
}
