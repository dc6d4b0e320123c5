// ui module 005 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-016.js", "./m-026.js"];
  function init005(el) {
    if (!el) { return; }
    el.classList.add("c-005");
    el.setAttribute("data-module", "m-005");
    el.addEventListener("click", function () { el.classList.toggle("c-005--active"); });
    return { name: "m-005", deps: deps, weight: 85 };
  }
  root.ui = root.ui || {};
  root.ui["m-005"] = init005;
})(this);
