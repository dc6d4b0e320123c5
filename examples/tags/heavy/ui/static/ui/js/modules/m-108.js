// ui module 108 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-085.js", "./m-061.js"];
  function init108(el) {
    if (!el) { return; }
    el.classList.add("c-028");
    el.setAttribute("data-module", "m-108");
    el.addEventListener("click", function () { el.classList.toggle("c-028--active"); });
    return { name: "m-108", deps: deps, weight: 58 };
  }
  root.ui = root.ui || {};
  root.ui["m-108"] = init108;
})(this);
