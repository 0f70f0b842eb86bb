/* Accessibility repairs of the widgets the pages are built from (Dash 4's dropdowns, date pickers and
   uploads; dash-bootstrap-components' tabs). Each rule mends one defect axe-core reports in the
   widget's own markup, which no property of the widget reaches; our own markup is fixed where it is
   made (layouts/). The texts come from the page's gettext catalog: the frame carries them as data-*
   attributes of #shell-widget-texts (layouts/shell.py). */
(function () {
  var texts = function () {
    var holder = document.getElementById("shell-widget-texts");
    return holder ? holder.dataset : {};
  };

  var labelOf = function (element) {
    /* the visible label of a control: a <label for=id>, given an id so that it can be referenced */
    if (!element.id) { return null; }
    var label = document.querySelector('label[for="' + CSS.escape(element.id) + '"]');
    if (!label) { return null; }
    if (!label.id) { label.id = "label-" + Math.random().toString(36).slice(2, 10); }
    return label;
  };

  var repair = function (root) {
    var say = texts();
    /* the dropdown keeps focus on a read-only input hidden from screen readers: keep it out of the tab order */
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden='true']").forEach(function (input) {
      if (input.getAttribute("tabindex") !== "-1") { input.setAttribute("tabindex", "-1"); }
    });
    /* the dropdown's button is named by the control's label (a label does not name a button for every reader) */
    root.querySelectorAll("button.dash-dropdown[id]").forEach(function (button) {
      var label = labelOf(button);
      if (label && !button.hasAttribute("aria-labelledby")) {
        button.setAttribute("aria-labelledby", label.id + " " + button.id);
      }
    });
    /* the date picker's clear control: a link without address, with an English name */
    root.querySelectorAll("a.dash-datepicker-clear").forEach(function (clear) {
      if (clear.getAttribute("role") !== "button") {
        clear.setAttribute("role", "button");
        clear.setAttribute("tabindex", "0");
      }
      var name = clear.closest(".dash-datepicker-input-wrapper") &&
        clear.closest(".dash-datepicker-input-wrapper").querySelectorAll("input").length > 1 ?
        say.clearDates : say.clearDate;
      if (name && clear.getAttribute("aria-label") !== name) { clear.setAttribute("aria-label", name); }
    });
    /* the date range's wrapper names itself by ids that are not there ("undefined"): a named group */
    root.querySelectorAll(".dash-datepicker-input-wrapper[aria-labelledby]").forEach(function (wrapper) {
      var known = wrapper.getAttribute("aria-labelledby").split(/\s+/).filter(function (id) {
        return id && id !== "undefined" && document.getElementById(id);
      });
      if (wrapper.getAttribute("role") !== "group") { wrapper.setAttribute("role", "group"); }
      if (!known.length) { wrapper.removeAttribute("aria-labelledby"); }
      else if (known.join(" ") !== wrapper.getAttribute("aria-labelledby")) {
        wrapper.setAttribute("aria-labelledby", known.join(" "));
      }
    });
    /* an upload's hidden file input is named by the upload's visible text */
    root.querySelectorAll("input[type='file']:not([aria-label])").forEach(function (input) {
      var area = input.parentElement;
      var name = area && area.innerText ? area.innerText.trim().split("\n")[0] : say.chooseFile;
      if (name) { input.setAttribute("aria-label", name); }
    });
    /* tabs whose panes are drawn elsewhere point at panes that do not exist */
    root.querySelectorAll("[role='tab'][aria-controls]").forEach(function (tab) {
      if (!document.getElementById(tab.getAttribute("aria-controls"))) { tab.removeAttribute("aria-controls"); }
    });
    /* a progress bar is named (dash-bootstrap-components' Progress takes no aria-label) */
    root.querySelectorAll("[role='progressbar']:not([aria-label]):not([aria-labelledby])").forEach(function (bar) {
      if (say.progress) { bar.setAttribute("aria-label", say.progress); }
    });
    /* a scrolled table must be reachable by keyboard to be scrolled */
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && box.getAttribute("tabindex") !== "0") { box.setAttribute("tabindex", "0"); }
    });
  };

  var pending = false;
  var schedule = function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      repair(document);
    });
  };
  var start = function () {
    new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true, attributes: true,
      attributeFilter: ["aria-labelledby", "aria-controls", "aria-label", "tabindex"]});
    schedule();
  };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
