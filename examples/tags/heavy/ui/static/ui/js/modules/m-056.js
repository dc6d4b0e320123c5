// ui module 056 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-049.js", "./m-041.js"];
  function init056(el) {
    if (!el) { return; }
    el.classList.add("c-056");
    el.setAttribute("data-module", "m-056");
    el.addEventListener("click", function () { el.classList.toggle("c-056--active"); });
    return { name: "m-056", deps: deps, weight: 53 };
  }
  root.ui = root.ui || {};
  root.ui["m-056"] = init056;
})(this);
