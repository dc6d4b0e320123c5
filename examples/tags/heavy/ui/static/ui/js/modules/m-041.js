// ui module 041 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-004.js", "./m-086.js"];
  function init041(el) {
    if (!el) { return; }
    el.classList.add("c-041");
    el.setAttribute("data-module", "m-041");
    el.addEventListener("click", function () { el.classList.toggle("c-041--active"); });
    return { name: "m-041", deps: deps, weight: 3 };
  }
  root.ui = root.ui || {};
  root.ui["m-041"] = init041;
})(this);
