// ui module 026 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-079.js", "./m-011.js"];
  function init026(el) {
    if (!el) { return; }
    el.classList.add("c-026");
    el.setAttribute("data-module", "m-026");
    el.addEventListener("click", function () { el.classList.toggle("c-026--active"); });
    return { name: "m-026", deps: deps, weight: 54 };
  }
  root.ui = root.ui || {};
  root.ui["m-026"] = init026;
})(this);
