// ui module 003 (build 2)
(function (root) {
  "use strict";
  var deps = ["./m-010.js", "./m-016.js"];
  function init003(el) {
    if (!el) { return; }
    el.classList.add("c-003");
    el.setAttribute("data-module", "m-003");
    el.addEventListener("click", function () { el.classList.toggle("c-003--active"); });
    return { name: "m-003", deps: deps, weight: 12 };
  }
  root.ui = root.ui || {};
  root.ui["m-003"] = init003;
})(this);
