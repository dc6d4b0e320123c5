// ui module 071 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-094.js", "./m-116.js"];
  function init071(el) {
    if (!el) { return; }
    el.classList.add("c-071");
    el.setAttribute("data-module", "m-071");
    el.addEventListener("click", function () { el.classList.toggle("c-071--active"); });
    return { name: "m-071", deps: deps, weight: 2 };
  }
  root.ui = root.ui || {};
  root.ui["m-071"] = init071;
})(this);
