// ui module 061 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-064.js", "./m-066.js"];
  function init061(el) {
    if (!el) { return; }
    el.classList.add("c-061");
    el.setAttribute("data-module", "m-061");
    el.addEventListener("click", function () { el.classList.toggle("c-061--active"); });
    return { name: "m-061", deps: deps, weight: 36 };
  }
  root.ui = root.ui || {};
  root.ui["m-061"] = init061;
})(this);
