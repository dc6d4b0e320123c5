// ui module 022 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-067.js", "./m-111.js"];
  function init022(el) {
    if (!el) { return; }
    el.classList.add("c-022");
    el.setAttribute("data-module", "m-022");
    el.addEventListener("click", function () { el.classList.toggle("c-022--active"); });
    return { name: "m-022", deps: deps, weight: 7 };
  }
  root.ui = root.ui || {};
  root.ui["m-022"] = init022;
})(this);
