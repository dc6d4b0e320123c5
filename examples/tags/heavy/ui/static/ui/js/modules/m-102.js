// ui module 102 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-067.js", "./m-031.js"];
  function init102(el) {
    if (!el) { return; }
    el.classList.add("c-022");
    el.setAttribute("data-module", "m-102");
    el.addEventListener("click", function () { el.classList.toggle("c-022--active"); });
    return { name: "m-102", deps: deps, weight: 38 };
  }
  root.ui = root.ui || {};
  root.ui["m-102"] = init102;
})(this);
