// The query toolbar: filter kind and ID, sort field and order, page size. It reports
// changes as partial views, and main.js decides what to reload.

import { el } from "./dom.js";
import { FILTER_KINDS, PAGE_SIZES, SORT_FIELDS } from "./view-state.js";

/**
 * Connects the toolbar controls in `form`. `onChange(changes)` receives the changed view
 * fields, for example `{ filterKind: "namespace", filterId: "ns-1" }`. Returns
 * `{ setView(view), setCatalog(catalog, maxPageSize) }` to update the controls.
 */
export function createQueryControls(form, { onChange }) {
  const fields = form.elements;
  const kindSelect = fields.filterKind;
  const idSelect = fields.filterSelect;
  const idInput = fields.filterInput;
  const idLabel = form.querySelector("[data-filter-id-label]");
  const idField = form.querySelector("[data-filter-id-field]");
  const applyButton = fields.filterApply;
  let catalog = null;
  let view = null;

  kindSelect.replaceChildren(
    el("option", { value: "" }, "All backups"),
    ...FILTER_KINDS.map(({ kind, label }) => el("option", { value: kind }, label)),
  );
  fields.sort.replaceChildren(...SORT_FIELDS.map(({ key, label }) => el("option", { value: key }, label)));
  fields.order.replaceChildren(el("option", { value: "asc" }, "Ascending"), el("option", { value: "desc" }, "Descending"));
  setPageSizeOptions(1000);

  kindSelect.addEventListener("change", () => {
    if (kindSelect.value === "") onChange({ filterKind: "", filterId: "" });
    else showIdControl(kindSelect.value, "");
  });
  idSelect.addEventListener("change", () => {
    if (idSelect.value) onChange({ filterKind: kindSelect.value, filterId: idSelect.value });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    if (kindSelect.value && !idInput.hidden && id) onChange({ filterKind: kindSelect.value, filterId: id });
  });
  fields.sort.addEventListener("change", () => onChange({ sort: fields.sort.value }));
  fields.order.addEventListener("change", () => onChange({ order: fields.order.value }));
  fields.pageSize.addEventListener("change", () => onChange({ pageSize: fields.pageSize.value }));

  function setPageSizeOptions(maxPageSize) {
    const options = PAGE_SIZES.map((size) =>
      el("option", { value: size }, size === "max" ? `Max (${maxPageSize.toLocaleString()})` : size),
    );
    fields.pageSize.replaceChildren(...options);
  }

  // Shows a picker when the catalog lists IDs of this kind, else a text input.
  function showIdControl(kind, selectedId) {
    const kindInfo = FILTER_KINDS.find((filter) => filter.kind === kind);
    idField.hidden = !kindInfo;
    if (!kindInfo) return;

    const items = catalog?.itemsByKind[kind] ?? [];
    const usePicker = items.length > 0;
    idLabel.textContent = `${kindInfo.label} ${usePicker ? "" : "ID"}`.trim();
    idLabel.htmlFor = usePicker ? idSelect.id : idInput.id;
    idSelect.hidden = !usePicker;
    idInput.hidden = usePicker;
    applyButton.hidden = usePicker;

    if (usePicker) {
      const options = [el("option", { value: "" }, `Choose a ${kindInfo.label.toLowerCase()}…`)];
      if (selectedId && !items.some((item) => item.id === selectedId)) {
        options.push(el("option", { value: selectedId }, `${selectedId} (not in catalog)`));
      }
      // Show the ID beside a display name only where the name alone is ambiguous.
      const nameCounts = new Map();
      for (const item of items) nameCounts.set(item.name, (nameCounts.get(item.name) ?? 0) + 1);
      for (const item of items) {
        const text = nameCounts.get(item.name) > 1 && item.name !== item.id ? `${item.name} (${item.id})` : item.name;
        options.push(el("option", { value: item.id, title: item.id }, text));
      }
      idSelect.replaceChildren(...options);
      idSelect.value = selectedId;
    } else {
      idInput.value = selectedId;
      idInput.placeholder = `${kindInfo.label} UID`;
    }
  }

  return {
    setView(nextView) {
      view = nextView;
      kindSelect.value = view.filterKind;
      showIdControl(view.filterKind, view.filterId);
      fields.sort.value = view.sort;
      fields.order.value = view.order;
      fields.pageSize.value = view.pageSize;
    },
    setCatalog(nextCatalog, maxPageSize) {
      catalog = nextCatalog;
      setPageSizeOptions(maxPageSize);
      if (view) this.setView(view);
    },
  };
}
