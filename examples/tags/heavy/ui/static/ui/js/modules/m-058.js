// ui module 058 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-055.js", "./m-051.js"];
  function init058(el) {
    if (!el) { return; }
    el.classList.add("c-058");
    el.setAttribute("data-module", "m-058");
    el.addEventListener("click", function () { el.classList.toggle("c-058--active"); });
    return { name: "m-058", deps: deps, weight: 26 };
  }
  root.ui = root.ui || {};
  root.ui["m-058"] = init058;
})(this);
