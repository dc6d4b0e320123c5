// ui module 078 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-115.js", "./m-031.js"];
  function init078(el) {
    if (!el) { return; }
    el.classList.add("c-078");
    el.setAttribute("data-module", "m-078");
    el.addEventListener("click", function () { el.classList.toggle("c-078--active"); });
    return { name: "m-078", deps: deps, weight: 59 };
  }
  root.ui = root.ui || {};
  root.ui["m-078"] = init078;
})(this);
