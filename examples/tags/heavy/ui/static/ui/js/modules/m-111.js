// ui module 111 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-094.js", "./m-076.js"];
  function init111(el) {
    if (!el) { return; }
    el.classList.add("c-031");
    el.setAttribute("data-module", "m-111");
    el.addEventListener("click", function () { el.classList.toggle("c-031--active"); });
    return { name: "m-111", deps: deps, weight: 68 };
  }
  root.ui = root.ui || {};
  root.ui["m-111"] = init111;
})(this);
