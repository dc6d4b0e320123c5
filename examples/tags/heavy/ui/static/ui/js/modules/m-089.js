// ui module 089 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-028.js", "./m-086.js"];
  function init089(el) {
    if (!el) { return; }
    el.classList.add("c-009");
    el.setAttribute("data-module", "m-089");
    el.addEventListener("click", function () { el.classList.toggle("c-009--active"); });
    return { name: "m-089", deps: deps, weight: 62 };
  }
  root.ui = root.ui || {};
  root.ui["m-089"] = init089;
})(this);
