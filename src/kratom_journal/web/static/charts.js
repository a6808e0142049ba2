// Draws every chart on the page from its JSON block. Without JavaScript the text
// summary and tables under each chart carry the same information.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var plots = document.querySelectorAll(".plot[data-figure]");
    for (var i = 0; i < plots.length; i++) {
      var el = plots[i];
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { continue; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(el, figure.data, figure.layout, {
        displayModeBar: false, responsive: true, scrollZoom: false
      });
      el.classList.add("drawn");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
