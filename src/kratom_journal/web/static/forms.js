// One-tap day choices on the logging forms: a "Yesterday" or "Today" button sets the
// form's date field. Without JavaScript the date field itself still works. The first
// run's zone field takes this device's zone.
(function () {
  "use strict";
  function deviceZone() {
    // The first run pre-sets the time zone from this device when the journal has none.
    var field = document.querySelector("input[data-device-zone='1']");
    if (!field || typeof Intl === "undefined") { return; }
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { field.value = zone; }
    } catch (e) { /* keep the system's zone */ }
  }
  function wire() {
    deviceZone();
    var buttons = document.querySelectorAll("button[data-set-date]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var button = event.currentTarget;
        var field = document.getElementById(button.getAttribute("data-date-field"));
        if (field) {
          field.value = button.getAttribute("data-set-date");
          field.focus();
        }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
