"""count_parameters(model): elements of the parameters with requires_grad, as an int."""
import torch
from grader.checks import Handle, points, hint, target, title, assert_number, describe, fail
from grader.i18n import pick
from support_mlp import built_twice


def _kind(result) -> str:
    """What came back, in words the check chose (a handle's type name is the student's)."""
    if isinstance(result, Handle):
        return pick("an object of another type", "别的类型的对象")
    return describe(result)


def _check(student, spec, freeze_first=False):
    """count_parameters of a model the check built in the jail, against the check's own count."""
    model, local = built_twice(student, spec, freeze_first)
    params = list(local.parameters())
    trainable = [p for p in params if p.requires_grad]
    expected = sum(p.numel() for p in trainable)
    result = student.count_parameters(model)
    if isinstance(result, Handle):
        fail("count_parameters must return a Python int, but it returned an object of another"
             " type: return sum(p.numel() ...) itself",
             zh="count_parameters 必须返回 Python int，但返回的是别的类型的对象：请直接返回"
                " sum(p.numel() ...) 的结果",
             evidence=f"returned a {result.type_name} object; expected the int {expected}")
    if isinstance(result, torch.Tensor):
        fail("count_parameters returned a tensor: return a Python int (a sum of p.numel()"
             " values is already an int)",
             zh="count_parameters 返回的是张量：请返回 Python int（把各个 p.numel() 相加得到的"
                "已经是 int）",
             evidence=f"returned a tensor of shape {tuple(result.shape)}, {result.dtype};"
                      f" expected the int {expected}")
    if isinstance(result, int) and not isinstance(result, bool) and result != expected:
        tensors = ("count_parameters returned the number of parameter tensors: count their"
                   " elements with p.numel()",
                   "count_parameters 返回的是参数张量的个数：应该用 p.numel() 数出其中的元素个数")
        nested = ("count_parameters counted the parameters of nested modules more than once:"
                  " model.parameters() already includes those of every submodule, so do not loop"
                  " over model.modules()",
                  "count_parameters 把嵌套模块的参数重复计算了：model.parameters() 已经包含了所有"
                  "子模块的参数，不要再遍历 model.modules()")
        mistakes = [
            (sum(p.numel() for p in params),
             ("count_parameters counted all parameters, frozen ones included: skip those with"
              " p.requires_grad == False",
              "count_parameters 把所有参数都算进去了，包括被冻结的：要跳过"
              " p.requires_grad == False 的参数")),
            (len(trainable), tensors),
            (len(params), tensors),
            (sum(p.numel() for m in local.modules() for p in m.parameters() if p.requires_grad),
             nested),
            (sum(p.numel() for m in local.modules() for p in m.parameters()), nested),
            (sum(v.numel() for v in local.state_dict().values()),
             ("count_parameters returned the size of the state dict, which also holds buffers"
              " (such as BatchNorm's running statistics) and frozen parameters: count"
              " model.parameters() with requires_grad",
              "count_parameters 返回的是 state dict 的大小，其中还包含 buffer（例如 BatchNorm 的"
              " running 统计量）和被冻结的参数：应该只数 model.parameters() 中 requires_grad 为"
              " True 的参数")),
            (sum(p.shape[0] for p in trainable),
             ("count_parameters returned the sum of len(p): count all elements with p.numel()",
              "count_parameters 返回的是各个 len(p) 之和：应该用 p.numel() 数出全部元素")),
        ]
        for value, (en, zh) in mistakes:
            if result == value:
                fail(en, zh=zh, evidence=f"yours {result}, expected {expected}")
    assert_number(result, expected, type=int)


@points(1)
@target("count_parameters")
@title(zh="Sequential 里嵌套了另一个 Sequential")
@hint("model.parameters() yields every parameter, including those of nested modules, once.",
      zh="model.parameters() 会把每个参数（包括嵌套模块里的参数）各给出一次。")
def check_nested_sequential(student, case):
    """a Sequential with a nested Sequential"""
    a, b, c, d = (case.size(k) for k in "abcd")
    _check(student, ["Sequential", ["Linear", a, b], ["ReLU"],
                     ["Sequential", ["Linear", b, c], ["Tanh"], ["Linear", c, d]]])


@points(2)
@target("count_parameters")
@title(zh="第一层被冻结（requires_grad 为 False）：它的参数不计入")
@hint("Only parameters with p.requires_grad == True are trainable.",
      zh="只有 p.requires_grad == True 的参数才是可训练的。")
def check_frozen_layer_excluded(student, case):
    """the first layer is frozen (requires_grad False): its parameters do not count"""
    a, b, c = (case.size(k) for k in "abc")
    _check(student, ["Sequential", ["Linear", a, b], ["ReLU"], ["Linear", b, c]],
           freeze_first=True)


@points(1)
@target("count_parameters")
@title(zh="BatchNorm 的 running 统计量是 buffer，不是参数")
@hint("Buffers (BatchNorm's running_mean, running_var, num_batches_tracked) are in the state "
      "dict but are not parameters.",
      zh="buffer（BatchNorm 的 running_mean、running_var、num_batches_tracked）在 state dict 里，"
         "但它们不是参数。")
def check_buffers_not_counted(student, case):
    """BatchNorm's running statistics are buffers, not parameters"""
    a, b, c = (case.size(k) for k in "abc")
    _check(student, ["Sequential", ["Linear", a, b], ["BatchNorm1d", b], ["ReLU"],
                     ["Linear", b, c]])


@points(1)
@target("count_parameters")
@title(zh="返回 Python int；没有参数的模块返回 0")
@hint("sum(p.numel() for p in ...) is a Python int; do not wrap it in a tensor.",
      zh="sum(p.numel() for p in ...) 就是 Python int；不要再把它包成张量。")
def check_returns_int(student):
    """returns a Python int; a module with no parameters gives 0"""
    result = student.count_parameters(student.build("nn.Linear", 3, 2))
    if type(result) is not int:
        tip = isinstance(result, torch.Tensor)
        fail(f"count_parameters must return a Python int, but it returned {_kind(result)}"
             + (": use p.numel() and Python's sum()" if tip else ""),
             zh=f"count_parameters 必须返回 Python int，但它返回的是 {_kind(result)}"
                + ("：请用 p.numel() 和 Python 的 sum()" if tip else ""),
             evidence=f"count_parameters(nn.Linear(3, 2)) returned"
                      f" {getattr(result, 'type_name', type(result).__name__)}")
    _check(student, ["ReLU"])
