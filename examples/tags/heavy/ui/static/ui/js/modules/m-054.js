// ui module 054 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-043.js", "./m-031.js"];
  function init054(el) {
    if (!el) { return; }
    el.classList.add("c-054");
    el.setAttribute("data-module", "m-054");
    el.addEventListener("click", function () { el.classList.toggle("c-054--active"); });
    return { name: "m-054", deps: deps, weight: 80 };
  }
  root.ui = root.ui || {};
  root.ui["m-054"] = init054;
})(this);
