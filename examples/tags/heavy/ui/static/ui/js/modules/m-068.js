// ui module 068 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-085.js", "./m-101.js"];
  function init068(el) {
    if (!el) { return; }
    el.classList.add("c-068");
    el.setAttribute("data-module", "m-068");
    el.addEventListener("click", function () { el.classList.toggle("c-068--active"); });
    return { name: "m-068", deps: deps, weight: 93 };
  }
  root.ui = root.ui || {};
  root.ui["m-068"] = init068;
})(this);
