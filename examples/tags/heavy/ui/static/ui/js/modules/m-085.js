// ui module 085 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-016.js", "./m-066.js"];
  function init085(el) {
    if (!el) { return; }
    el.classList.add("c-005");
    el.setAttribute("data-module", "m-085");
    el.addEventListener("click", function () { el.classList.toggle("c-005--active"); });
    return { name: "m-085", deps: deps, weight: 15 };
  }
  root.ui = root.ui || {};
  root.ui["m-085"] = init085;
})(this);
