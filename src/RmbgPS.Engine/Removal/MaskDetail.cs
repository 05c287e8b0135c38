namespace RmbgPS.Engine.Removal;

/// <summary>How closely the model looks at the subject (-Detail).</summary>
public enum MaskDetail
{
    /// <summary>One run of the model on the whole picture.</summary>
    Standard,
    /// <summary>The second look (<see cref="SecondLook"/>): a second run on the subject's box, cropped from the full-size picture, for sharper edges on large photos: twice the model's time.</summary>
    High,
}
