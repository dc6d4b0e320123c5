// ui module 091 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-034.js", "./m-096.js"];
  function init091(el) {
    if (!el) { return; }
    el.classList.add("c-011");
    el.setAttribute("data-module", "m-091");
    el.addEventListener("click", function () { el.classList.toggle("c-011--active"); });
    return { name: "m-091", deps: deps, weight: 35 };
  }
  root.ui = root.ui || {};
  root.ui["m-091"] = init091;
})(this);
