// Delete confirmation: a modal <dialog> that names the backup, with Cancel focused
// first so Enter or Escape never deletes by accident.

import { describeError, formatCode } from "./errors.js";

/**
 * Connects the delete dialog. Returns `confirmDelete(backup, opener, afterDelete)`.
 * On confirm it calls `getClient().deleteBackup(uid)`. On success it closes the dialog
 * and calls `onDeleted(backup)` and then `afterDelete` when given. On failure it keeps
 * the dialog open and shows the gRPC code and message.
 */
export function createDeleteDialog(dialog, { getClient, getEndpoint, onDeleted }) {
  const nameOutput = dialog.querySelector("[data-delete-name]");
  const uidOutput = dialog.querySelector("[data-delete-uid]");
  const errorOutput = dialog.querySelector("[data-delete-error]");
  const cancelButton = dialog.querySelector("[data-delete-cancel]");
  const confirmButton = dialog.querySelector("[data-delete-confirm]");
  let pending = null;
  let opener = null;

  cancelButton.addEventListener("click", () => dialog.close("cancel"));
  dialog.addEventListener("close", () => {
    // The opener may be gone after a delete, because its row was removed.
    if (opener?.isConnected) opener.focus();
  });
  confirmButton.addEventListener("click", () => runDelete());

  async function runDelete() {
    if (!pending) return;
    const { backup, afterDelete } = pending;
    setWorking(true);
    try {
      await getClient().deleteBackup(backup.meta?.uid ?? "");
      pending = null;
      dialog.close("deleted");
      onDeleted(backup);
      afterDelete?.();
    } catch (error) {
      const description = describeError(error, getEndpoint());
      errorOutput.textContent = `Delete failed: ${formatCode(description)} ${description.message}`.trim();
      errorOutput.hidden = false;
    } finally {
      setWorking(false);
    }
  }

  function setWorking(working) {
    dialog.setAttribute("aria-busy", String(working));
    confirmButton.disabled = working;
    confirmButton.textContent = working ? "Deleting…" : "Delete";
  }

  return function confirmDelete(backup, openerButton, afterDelete) {
    pending = { backup, afterDelete };
    opener = openerButton;
    nameOutput.textContent = backup.meta?.name || "(no name)";
    uidOutput.textContent = backup.meta?.uid ?? "";
    errorOutput.textContent = "";
    errorOutput.hidden = true;
    setWorking(false);
    dialog.showModal();
    cancelButton.focus();
  };
}
