// Shows upload progress for the import form; without JavaScript the form posts as usual
// and the next page shows the import's own progress.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || input.files.length === 0) { return; }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round(100 * e.loaded / e.total);
        bar.value = percent;
        bar.textContent = percent + "%";
        status.textContent = "Uploading… " + percent + "%";
      }
    });
    request.addEventListener("load", function () {
      window.location.assign(request.responseURL || "/import");
    });
    request.addEventListener("error", function () {
      status.textContent = "The upload failed; nothing was imported.";
    });
    request.send(new FormData(form));
  });
})();
