// ui module 021 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-064.js", "./m-106.js"];
  function init021(el) {
    if (!el) { return; }
    el.classList.add("c-021");
    el.setAttribute("data-module", "m-021");
    el.addEventListener("click", function () { el.classList.toggle("c-021--active"); });
    return { name: "m-021", deps: deps, weight: 71 };
  }
  root.ui = root.ui || {};
  root.ui["m-021"] = init021;
})(this);
