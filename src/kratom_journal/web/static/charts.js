// Draws every chart on the page from its JSON block. Plotly (several MB) is loaded
// only after the page has loaded and a chart has come into view, so that the page
// itself is quick on a phone. Without JavaScript the text summary and tables under
// each chart carry the same information.
(function () {
  "use strict";
  var script = document.currentScript;
  var plotlySource = script ? script.getAttribute("data-plotly") : null;
  var loading = null;

  function loadPlotly() {
    if (typeof Plotly !== "undefined") { return Promise.resolve(); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = plotlySource;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    return loading;
  }

  function drawOne(el) {
    if (el.classList.contains("drawn")) { return; }
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {
      displayModeBar: false, responsive: true, scrollZoom: false
    });
    el.classList.add("drawn");
  }

  function whenShown(el) {
    loadPlotly().then(function () { drawOne(el); }, function () { /* text stays */ });
  }

  function watch() {
    var plots = document.querySelectorAll(".plot[data-figure]");
    if (!plots.length || !plotlySource) { return; }
    if (!("IntersectionObserver" in window)) {
      for (var i = 0; i < plots.length; i++) { whenShown(plots[i]); }
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          whenShown(entry.target);
        }
      });
    }, { rootMargin: "200px" });
    for (var j = 0; j < plots.length; j++) { observer.observe(plots[j]); }
  }

  if (document.readyState === "complete") {
    watch();
  } else {
    window.addEventListener("load", watch);
  }
})();
