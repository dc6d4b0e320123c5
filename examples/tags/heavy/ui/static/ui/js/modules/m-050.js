// ui module 050 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-031.js", "./m-011.js"];
  function init050(el) {
    if (!el) { return; }
    el.classList.add("c-050");
    el.setAttribute("data-module", "m-050");
    el.addEventListener("click", function () { el.classList.toggle("c-050--active"); });
    return { name: "m-050", deps: deps, weight: 33 };
  }
  root.ui = root.ui || {};
  root.ui["m-050"] = init050;
})(this);
