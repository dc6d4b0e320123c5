// ui module 080 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-001.js", "./m-041.js"];
  function init080(el) {
    if (!el) { return; }
    el.classList.add("c-080");
    el.setAttribute("data-module", "m-080");
    el.addEventListener("click", function () { el.classList.toggle("c-080--active"); });
    return { name: "m-080", deps: deps, weight: 32 };
  }
  root.ui = root.ui || {};
  root.ui["m-080"] = init080;
})(this);
