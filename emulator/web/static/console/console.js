// Progressive enhancement only: every page works without this file except auto-refresh.
(function () {
  "use strict";
  var KEY = "ami-console-autorefresh";
  var timer = null;

  function enhance() {
    // Choosing an AMI in the list shows it (without JavaScript: its link, or Actions).
    document.querySelectorAll('#images input[type="radio"][name="image"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        var url = new URL(window.location.href);
        url.searchParams.set("image", radio.value);
        url.searchParams.delete("notice");
        window.location.assign(url.toString());
      });
    });
    // Selects that only choose what to show apply at once.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    watchUnsaved();
    var box = document.querySelector("input[data-autorefresh]");
    if (box) {
      box.closest("label").hidden = false;
      box.checked = timer !== null;
      box.addEventListener("change", function () { autorefresh(box.checked); });
    }
  }

  // Changes not saved yet: a changed field shows the page's marker, and leaving the page
  // (but by Cancel, which discards, or by the form's own buttons) asks first.
  var leaving = { submitting: false, discarding: false };
  function watchUnsaved() {
    var form = document.querySelector("form[data-unsaved]");
    if (!form || form.dataset.watched) { return; }
    form.dataset.watched = "1";
    var note = document.getElementById("unsaved-note");
    function changed(event) {
      var field = event.target;
      // Ticking rows to remove selects them; it changes nothing until Remove selected.
      if (!field.name || /^selected_/.test(field.name)) { return; }
      form.dataset.changed = "true";
      if (note) { note.hidden = false; }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { leaving.submitting = true; });
    document.querySelectorAll("[data-discards]").forEach(function (link) {
      link.addEventListener("click", function () { leaving.discarding = true; });
    });
    window.addEventListener("beforeunload", function (event) {
      var unsaved = form.dataset.unsaved === "true" || form.dataset.changed === "true";
      if (!unsaved || leaving.submitting || leaving.discarding) { return; }
      event.preventDefault();
      event.returnValue = "";  // older browsers show their own words
    });
  }

  // Auto-refresh: fetch the page again every few seconds and swap in its content.
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("content");
        var main = document.getElementById("content");
        if (!fresh || !main) { return; }
        var focused = document.activeElement && document.activeElement.id;
        main.innerHTML = fresh.innerHTML;
        enhance();
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
      })
      .catch(function () { /* the next tick tries again */ });
  }

  function autorefresh(on) {
    if (on && timer === null) {
      sessionStorage.setItem(KEY, "1");
      var box = document.querySelector("input[data-autorefresh]");
      timer = setInterval(refresh, 1000 * Number(box.dataset.autorefresh || 5));
    } else if (!on) {
      sessionStorage.removeItem(KEY);
      clearInterval(timer);
      timer = null;
    }
  }

  if (sessionStorage.getItem(KEY) && document.querySelector("input[data-autorefresh]")) {
    autorefresh(true);
  }
  enhance();
})();
