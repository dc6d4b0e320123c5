// ui module 028 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-085.js", "./m-021.js"];
  function init028(el) {
    if (!el) { return; }
    el.classList.add("c-028");
    el.setAttribute("data-module", "m-028");
    el.addEventListener("click", function () { el.classList.toggle("c-028--active"); });
    return { name: "m-028", deps: deps, weight: 27 };
  }
  root.ui = root.ui || {};
  root.ui["m-028"] = init028;
})(this);
