// ui module 047 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-022.js", "./m-116.js"];
  function init047(el) {
    if (!el) { return; }
    el.classList.add("c-047");
    el.setAttribute("data-module", "m-047");
    el.addEventListener("click", function () { el.classList.toggle("c-047--active"); });
    return { name: "m-047", deps: deps, weight: 23 };
  }
  root.ui = root.ui || {};
  root.ui["m-047"] = init047;
})(this);
