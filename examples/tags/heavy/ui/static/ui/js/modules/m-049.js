// ui module 049 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-028.js", "./m-006.js"];
  function init049(el) {
    if (!el) { return; }
    el.classList.add("c-049");
    el.setAttribute("data-module", "m-049");
    el.addEventListener("click", function () { el.classList.toggle("c-049--active"); });
    return { name: "m-049", deps: deps, weight: 97 };
  }
  root.ui = root.ui || {};
  root.ui["m-049"] = init049;
})(this);
