// ui module 004 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-013.js", "./m-021.js"];
  function init004(el) {
    if (!el) { return; }
    el.classList.add("c-004");
    el.setAttribute("data-module", "m-004");
    el.addEventListener("click", function () { el.classList.toggle("c-004--active"); });
    return { name: "m-004", deps: deps, weight: 48 };
  }
  root.ui = root.ui || {};
  root.ui["m-004"] = init004;
})(this);
