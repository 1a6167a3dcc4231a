// oligoguide UI: progressive enhancement only; every page works without this file.
(function () {
  "use strict";

  // "Add a row" buttons of the case form: clone the row's <template>, numbering its inputs.
  function addRow(button) {
    var kind = button.getAttribute("data-add");
    var holder = button.closest("[data-rows='" + kind + "']");
    var template = document.getElementById("tpl-" + kind);
    if (!holder || !template) { return; }
    var rows = holder.querySelector(".rows");
    var index = rows.children.length;
    var html = template.innerHTML;
    // A list inside a row (measurements, last doses...): __L__ is the outer row, __M__ this one.
    var parent = holder.getAttribute("data-parent") || holder.getAttribute("data-lesion");
    if (parent !== null) {
      html = html.split("__L__").join(parent).split("__M__").join(String(index));
    } else {
      html = html.split("__L__").join(String(index));
    }
    html = html.split("__N__").join(String(index + 1));
    var box = document.createElement("div");
    box.innerHTML = html.trim();
    var row = box.firstElementChild;
    rows.appendChild(row);
    Array.prototype.forEach.call(row.querySelectorAll("input[data-date]"), addPicker);
    var first = row.querySelector("input, select");
    if (first) { first.focus(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var button = target.closest("button[data-add]");
    if (button) {
      event.preventDefault();
      addRow(button);
    }
  });

  // Enter in a text box of the case form moves on instead of saving a half-filled case (the
  // form's disabled default button already stops the submission; this also keeps focus moving).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(target instanceof HTMLInputElement)) { return; }
    if (!target.form || target.form.id !== "case-form") { return; }
    event.preventDefault();
  });

  // A note next to a field, announced at once and tied to it (aria-describedby); null removes it.
  function flag(input, suffix, cls, message) {
    var id = input.id + "-" + suffix;
    var note = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (message && !note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "error-message " + cls;
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    if (message) {
      note.textContent = message;
      described.push(id);
    } else if (note) {
      note.parentNode.removeChild(note);
    }
    if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
    else { input.removeAttribute("aria-describedby"); }
  }

  // Dates are typed and shown as YYYY-MM-DD whatever the browser's locale (a "01/06/2025" could
  // be read two ways); anything else, or a date after today, is flagged at once next to the field
  // (the server refuses both too).
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

  function checkDate(input) {
    var max = input.getAttribute("data-max-date");
    var value = input.value.trim();
    var message = null;
    if (value && !ISO_DATE.test(value)) {
      message = "Type the date as year-month-day, YYYY-MM-DD (for example 1960-01-15).";
    } else if (max && value && value > max) {
      message = "This date is after today (" + max + "): check it.";
    }
    flag(input, "future", "future-date", message);
  }

  // A calendar beside each date box: the browser's own picker, whose ISO value is written back
  // into the box, so the shown date stays YYYY-MM-DD.
  function addPicker(input) {
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    if (input.getAttribute("data-max-date")) { picker.max = input.getAttribute("data-max-date"); }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small pick-date";
    button.textContent = "Calendar";
    var label = document.querySelector("label[for='" + input.id + "']");
    button.setAttribute("aria-label", "Pick " + (label ? label.textContent.trim() : "the date") +
      " from a calendar");
    button.addEventListener("click", function () {
      if (ISO_DATE.test(input.value.trim())) { picker.value = input.value.trim(); }
      if (typeof picker.showPicker === "function") { picker.showPicker(); } else { picker.focus(); }
    });
    picker.addEventListener("change", function () {
      input.value = picker.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", picker);
  }

  // A diameter larger than any plausible metastasis (a cm/mm slip) is flagged at once too.
  function checkSize(input) {
    var max = Number(input.getAttribute("data-plausible-max"));
    var value = Number(input.value);
    var message = null;
    if (input.value && value < 0) { message = "A diameter cannot be negative."; }
    else if (input.value && max && value > max) {
      message = "Over " + max + " mm: larger than a metastasis is measured; was it entered in mm?";
    }
    flag(input, "size", "implausible-size", message);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-max-date")) {
      checkDate(target);
    }
    if (target instanceof HTMLInputElement && target.hasAttribute("data-plausible-max")) {
      checkSize(target);
    }
  });

  // A draft of the case form is kept in this tab (sessionStorage: gone when the tab closes, so
  // no patient data stays on a shared computer) until the user saves; reopening the form in the
  // same tab offers it back. Only the Save button stores the case on the server.
  function draftKey(form) {
    var version = form.querySelector("input[name='edited_version']");
    return "oligoguide-draft:" + form.getAttribute("action") + (version ? ":" + version.value : "");
  }

  function saveDraft(form) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "edited_version") { return; }
      if (el.type === "checkbox") { if (el.checked) { values.push([el.name, el.value, "c"]); } }
      else if (el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) {
          values.push([el.name, o.value, "m"]);
        });
      } else if (el.value) { values.push([el.name, el.value, ""]); }
    });
    try {
      window.sessionStorage.setItem(draftKey(form), JSON.stringify({ at: Date.now(), v: values }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function restoreDraft(form, draft) {
    draft.v.forEach(function (item) {
      var fields = form.querySelectorAll("[name='" + item[0].replace(/'/g, "\\'") + "']");
      Array.prototype.forEach.call(fields, function (el) {
        if (item[2] === "c" && el.value === item[1]) { el.checked = true; }
        else if (item[2] === "m") {
          Array.prototype.forEach.call(el.options, function (o) {
            if (o.value === item[1]) { o.selected = true; }
          });
        } else if (!item[2] && el.type !== "checkbox") { el.value = item[1]; }
      });
    });
  }

  function offerDraft(form) {
    var raw = null;
    try { raw = window.sessionStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw || document.getElementById("error-summary")) { return; }
    var draft = JSON.parse(raw);
    var box = document.createElement("div");
    box.className = "notice draft-notice";
    box.setAttribute("role", "status");
    box.innerHTML = "<p>An unsaved draft of this form from " +
      new Date(draft.at).toLocaleTimeString() + " is kept in this tab.</p>";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "Restore the draft";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = "Discard it";
    restore.addEventListener("click", function () {
      restoreDraft(form, draft);
      box.parentNode.removeChild(box);
    });
    discard.addEventListener("click", function () {
      window.sessionStorage.removeItem(draftKey(form));
      box.parentNode.removeChild(box);
    });
    box.appendChild(restore);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    Array.prototype.forEach.call(document.querySelectorAll("input[data-date]"), addPicker);
    var caseForm = document.getElementById("case-form");
    if (caseForm) {
      offerDraft(caseForm);
      caseForm.addEventListener("input", function () { saveDraft(caseForm); });
      caseForm.addEventListener("change", function () { saveDraft(caseForm); });
      caseForm.addEventListener("submit", function () {
        window.sessionStorage.removeItem(draftKey(caseForm));
      });
    }
    // After a refused save, take keyboard and screen-reader users to the list of problems.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // Ask: say the answer is being prepared (it takes a moment), and stop double submits.
    var forms = document.querySelectorAll("form[data-busy]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type='submit']");
        if (button) {
          button.disabled = true;
          button.textContent = form.getAttribute("data-busy");
        }
      });
    });
  });
}());
